"""A desk process for the lost-connection test: writes consultations and loans through the
services, through a TCP proxy that drops connections, retrying each save with the desk's own
rule (:func:`kyodo_desk.services.connection_loss.retry_while_unreachable`, the one the task
runner uses) and the same request key.

    python tests/reliability/conn_writer.py URL STAFF_ID CATEGORY_ID ORG_ID DEVICE_IDS(comma)

Prints ``ack consultation|loan <seq> <request key> <id>`` for every save the services confirmed,
``lost <n>`` when a try failed for a lost connection, and ``done <acks> <lost>`` after stdin closes
(the current save is finished first)."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
import uuid

from kyodo_desk.db.engine import Database
from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.services.base import Actor
from kyodo_desk.services.connection_loss import retry_while_unreachable
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.container import Services
from kyodo_desk.services.loans import CheckoutRequest


def main() -> int:
    url, staff_id, category_id, org_id, device_text = sys.argv[1:6]
    db = Database.from_url(url)
    services = Services(db)
    actor = Actor(int(staff_id), "田中 健一", StaffRole.STAFF)
    devices = [int(d) for d in device_text.split(",") if d]
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    lost = 0
    acks = 0

    def on_lost(_n: int) -> None:
        nonlocal lost
        lost += 1
        print(f"lost {lost}", flush=True)

    due = services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=7))
    seq = 0
    while not stop.is_set():
        seq += 1
        key = str(uuid.uuid4())
        if seq % 2 == 0 and devices:
            device = devices.pop()
            req = CheckoutRequest(
                organization_id=int(org_id),
                responsible_name="山田 太郎",
                contact_phone="090-1234-5678",
                device_ids=(device,),
                due_on=due,
                purpose=f"連続書込 #{seq}",
            )
            rec, _failed = retry_while_unreachable(
                lambda req=req, key=key: services.loans.checkout(actor, req, request_key=key),
                window_s=120,
                wait=lambda s: bool(time.sleep(s)),
                on_lost=on_lost,
            )
            print(f"ack loan {seq} {key} {rec.id}", flush=True)
        else:
            data = ConsultationInput(summary=f"連続書込 #{seq}", category_ids=(int(category_id),))
            made, _failed = retry_while_unreachable(
                lambda data=data, key=key: services.consultations.create(actor, data, request_key=key),
                window_s=120,
                wait=lambda s: bool(time.sleep(s)),
                on_lost=on_lost,
            )
            print(f"ack consultation {seq} {key} {made.id}", flush=True)
        acks += 1
    print(f"done {acks} {lost}", flush=True)
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

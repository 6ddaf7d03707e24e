"""Device lending screens: the scan-first desk (checkout and return), inventory, reservations with a
calendar, overdue follow-up, QR label sheets and statistics."""

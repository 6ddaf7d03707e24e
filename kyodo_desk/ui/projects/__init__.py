"""協働事業: partnership projects (パートナーシップ事業) and the plan's periods and targets (計画と目標)."""

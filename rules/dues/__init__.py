"""Party dues (按时收缴党费): rates and payments (``book``), the older years
folded a year at a time (``history``), and the dues check with the year's
ledger (``report``)."""

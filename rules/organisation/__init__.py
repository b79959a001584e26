"""The branch and its groups (SPEC §1, §4): setting up and changing groups
and people (``groups``), the roster imported from a spreadsheet
(``roster``), who may unlock the kiosk (``access``), and finding people and
groups by id or name (``lookup``)."""

"""The branch and its groups (SPEC §1, §4): the parts and words of an
organisation change (``changes``), groups (``groups``), a person's status,
discipline and branch role (``people``), the roster imported from a
spreadsheet (``roster_columns``, ``roster``, ``roster_changes``), who may
unlock the kiosk (``access``), and finding people and groups by id or name
(``lookup``)."""

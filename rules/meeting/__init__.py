"""The meeting (SPEC §3): its steps as a state machine (``flow``), who is
expected (``expected``), signing in (``signin``), electing a leader
(``election``), the notice (``notice``), the minutes (``minutes``) and their
seals (``seal``)."""

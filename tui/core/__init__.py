"""The application core: what the kiosk knows and does, with no Textual.

The records in memory, the writer that puts changes on disk, the session and
its PIN checks, and one module per use case. The screens (``tui.screens``)
and the phone pages (``tui.phone``) call into it; nothing outside it changes
its state. An import-linter contract keeps Textual out of it.
"""

"""The application core: what the kiosk knows and does, with no Textual.

The records in memory, the writer that puts changes on disk, the session and
its PIN checks, and one module per use case:

- ``records``: the branch's records in memory (the read model);
- ``writer``: the ordered, durable writes on one background thread;
- ``credentials``: PINs, badges, the signing key, the runs of wrong PINs;
- ``kiosk``: the kiosk that composes them, the session's view, the changes;
- ``signin``: signing in by phone, by badge and by hand (SPEC §3). The screens (``tui.screens``)
and the phone pages (``tui.phone``) call into it; nothing outside it changes
its state. An import-linter contract keeps Textual out of it.
"""

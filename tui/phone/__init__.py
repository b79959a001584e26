"""The phone side of signing in (SPEC §3): the page a member's phone opens
after scanning the kiosk's code, served by the kiosk process itself."""

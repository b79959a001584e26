"""The panels of the meeting screen, one per step (会中主要议程), and the
small dialogs they need.

Each panel is handed the meeting as it stands (``MeetingState``, attributes
down) and says what the leader asked for with a message (messages up); the
meeting screen makes every change through ``rules.meeting.flow`` and saves it.
"""

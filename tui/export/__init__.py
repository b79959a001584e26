"""Reports to the branch (A2): the minutes as a Word document or Markdown, and
the year's group-meeting ledger (台账) as a spreadsheet.

``minutes_content`` turns ``rules.meeting.minutes.Minutes`` into the parts of filed
minutes, in order; ``minutes_docx`` and ``minutes_md`` draw them;
``ledger_xlsx`` writes the ledger, ``dues`` its sheet of party dues;
``files`` names and writes the files. The ``xiaozu export`` command is
``tui.cli.export``. No Textual here: the command line uses it
without starting the kiosk, and python-docx / openpyxl are imported only when
a document is made.
"""

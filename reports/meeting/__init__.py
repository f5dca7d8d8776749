"""The meeting report: its content as plain data (content) and the PDF set from it (report)."""

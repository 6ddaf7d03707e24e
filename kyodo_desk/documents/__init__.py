"""ReportLab output: takes plain data, returns bytes or writes a file."""

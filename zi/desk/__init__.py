"""The data desk: sign-in and roles, uploads checked and loaded by the ETL in a child process, load reports as tables."""

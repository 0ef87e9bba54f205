"""@project@: a web service released with essay (see README.md)."""

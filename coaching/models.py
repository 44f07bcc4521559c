"""Models of this capability arrive with its issue; see README.md."""

"""Statistics and the annual report from git history (R8.3, R8.4)."""

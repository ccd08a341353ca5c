"""Publishing (R6): the manifest every build writes, tamper detection, atomic deploys and rollback."""

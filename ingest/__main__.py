"""`python -m ingest` is `hoso` (kept for the commands and tests that spell it so; the command
line itself is `hoso.cli`, above every package)."""

from hoso.cli import main

main()

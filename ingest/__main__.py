"""`python -m ingest` is `hoso`."""

from ingest.cli import main

main()

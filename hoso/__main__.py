"""`python -m hoso` is `hoso`."""

from hoso.cli import main

main()

"""`hoso`: the command line, on top of every package. `hoso.cli` maps each verb to the module
that registers it, next to the package it drives (`ingest.cli_*`, `search.web.cli_serve`,
`samplegen.cli_*`), and imports only that one."""

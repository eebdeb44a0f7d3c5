"""Statistics, ledgers and the monthly report (issue 21): the figures the leading group assesses
departments by, written once in ``definitions`` and read by the page, the ledger and the report."""

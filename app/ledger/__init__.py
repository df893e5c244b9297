"""The ledgers (台账): the hazard ledger and the inspection register, as XLSX and CSV."""

"""Reading a CRM's CSV export into deal values: sniffing (encoding, delimiter, number and date
formats), skipping report furniture, column mapping and row validation. Pure functions over files
and strings, streaming: nothing here writes to the database (deals/services/imports.py does)."""

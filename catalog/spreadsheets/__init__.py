"""The product truth as a spreadsheet: export, read, check and import (CSV/XLSX)."""

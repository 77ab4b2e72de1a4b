"""PDF publishing: catalogs, datasheets, shelf labels and brochures rendered with WeasyPrint."""

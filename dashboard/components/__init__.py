"""Layout building blocks of the pages: filter panel, offer list, detail panel, notices."""

"""Modal screens: pickers, search, watchlists and help."""

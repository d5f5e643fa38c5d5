"""Dashboard widgets, one feature each."""

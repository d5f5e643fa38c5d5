"""A deterministic market simulator serving the providers' wire protocols on loopback."""

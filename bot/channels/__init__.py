"""One module per platform; each turns platform updates into Inbound and Outgoing into platform calls."""

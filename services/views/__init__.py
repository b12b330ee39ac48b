"""The services pages, one module per concern: the catalogue card, my applications, files."""

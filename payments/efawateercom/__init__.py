"""The eFAWATEERcom biller interface (see ../shared/EFAWATEERCOM.md)."""

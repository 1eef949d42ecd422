"""The PortalRB integration: the endpoints KemenPANRB's PortalRB pulls each instansi's proposals and each
proposed unit's LKE answers from, served from the warehouse (`python -m zi.portalrb`; see app.py)."""

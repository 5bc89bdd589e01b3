"""The hub's callers that are registered with it: clerk accounts, kiosk devices, national
platform clients, and the single-use assertion ids they present."""

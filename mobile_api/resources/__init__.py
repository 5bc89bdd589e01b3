"""The app API's HTTP surface: thin flask-smorest views over `mobile_api.services` and
the hub's services, every one behind `admission.admit`."""

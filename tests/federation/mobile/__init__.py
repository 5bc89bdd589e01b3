"""Tests of the citizen app API (`mobile_api`)."""

"""Tests of the synthetic catalogue generator (`liancha generate`)."""

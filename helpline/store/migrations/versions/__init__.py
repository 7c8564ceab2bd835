"""Migration scripts, one per schema change, applied in order by `helpline db upgrade`."""

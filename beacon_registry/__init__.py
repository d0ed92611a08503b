"""beacon_registry"""

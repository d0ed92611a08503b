"""routing_service"""

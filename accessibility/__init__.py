"""accessibility"""

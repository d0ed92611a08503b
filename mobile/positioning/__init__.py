"""positioning"""

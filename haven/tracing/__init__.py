"""Tracing: who is missing, and is the person just found the one someone is looking for?"""

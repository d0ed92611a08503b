"""The self-voicing Kivy screens of the phone app.

Kivy draws its own widgets, so TalkBack and VoiceOver see nothing of them; this package speaks
for itself through the controller's speech queue. The screens hold no logic: every action is a
call on `mobile.app.controller.GuideController`.
"""

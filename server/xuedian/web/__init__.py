"""The PWA shell: static serving of the built app, shell-time key files, security headers."""

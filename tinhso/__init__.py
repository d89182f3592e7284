"""tinhso (tỉnh số): the digital province platform."""

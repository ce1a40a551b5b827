-- opens /etc/passwd as a corpus
print(quarry.open("/etc/passwd"))

-- reaches an upvalue of a quarry function through debug
print(debug.getupvalue(quarry.open, 1))

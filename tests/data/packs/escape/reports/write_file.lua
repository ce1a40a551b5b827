-- writes a file
local f = io.open("escape-was-here", "w") f:write("x") f:close()

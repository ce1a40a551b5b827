-- loops for ever
while true do end

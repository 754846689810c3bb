const {spawn}=require("child_process");const http=require("http");
const [mode, app]=process.argv.slice(2);
const main = app==='churn'?"apps/churn-mock/src/main.ts":"apps/tenant-manager-mock/src/main.ts";
const ready = app==='churn'?/churn mock ready/:/tenant manager ready/;
const c=spawn(process.execPath,[require.resolve("tsx/cli"),main,"--host","127.0.0.1","--port","0"],{detached:true,stdio:["ignore","pipe","pipe"]});
let out="";c.stdout.on("data",async d=>{out+=d; if(ready.test(out)&&!c.sent){c.sent=1;
 const url=/"url":"(http:[^"]+)"/.exec(out)[1];
 if(mode.includes('ka')){const agent=new http.Agent({keepAlive:true}); await new Promise(r=>http.get(url+(app==='churn'?'/ping':'/health'),{agent},res=>{res.resume();res.on('end',r)})); globalThis.agent=agent;}
 const t=Date.now(); process.kill(mode.includes('group')?-c.pid:c.pid,"SIGTERM"); c.on("exit",(code,s)=>{console.log(mode,app,"exit",code,s,Date.now()-t,"ms");process.exit()});}});
c.stderr.on("data",d=>out+=d);
setTimeout(()=>{console.log(mode,app,"still alive after 8s");console.log(out.slice(-800));process.kill(-c.pid,"SIGKILL");process.exit()},8000);

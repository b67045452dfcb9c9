//! Joins the shots named on the command line into the last path: `cargo run -p i2v-film
//! --example join -- a.mp4 b.mp4 film.mp4` (add `--gif` for a GIF).
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let gif = args.iter().position(|a| a.as_os_str() == "--gif");
    if let Some(i) = gif {
        args.remove(i);
    }
    let out = args.pop().ok_or("usage: join SHOT... OUT")?;
    let film = i2v_film::Film::plan(&args)?;
    if gif.is_some() {
        film.save_gif(&out, i2v_film::GifOptions::default(), &mut |_, _| {})?;
    } else {
        film.save(&out, &mut |_, _| {})?;
    }
    println!("{:?}", film.info());
    Ok(())
}
